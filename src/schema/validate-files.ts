/**
 * Validation of NDJSON files, streaming (constant memory whatever the size): the work of
 * `planledger validate`. Counts are exact; the list of problems is capped.
 */
import { readNdjsonBatches } from './ndjson.js';
import { validateLine } from './validate.js';

export interface FileProblem {
  file: string;
  line: number;
  path: string;
  expected: string;
  found: string;
}

/** The `--json` report of `planledger validate` (exactly these fields). */
export interface ValidationReport {
  total: number;
  valid: number;
  invalid: number;
  /** valid / total; 0 when there is no event at all. */
  success_rate: number;
  errors: FileProblem[];
  errors_truncated: boolean;
}

export interface ValidateFilesOptions {
  /** Most problems kept in `errors` (counts stay exact). */
  maxErrors: number;
  /** Called after each chunk with the bytes of text read so far (for a progress bar). */
  onProgress?: (bytesRead: number) => void;
}

export async function validateFiles(
  files: string[],
  options: ValidateFilesOptions,
): Promise<ValidationReport> {
  const report: ValidationReport = {
    total: 0,
    valid: 0,
    invalid: 0,
    success_rate: 0,
    errors: [],
    errors_truncated: false,
  };
  let bytes = 0;
  for (const given of files) {
    // `-`: standard input, named `stdin` in the problems.
    const file = given === '-' ? 'stdin' : given;
    for await (const batch of readNdjsonBatches(given)) {
      for (const l of batch) {
        report.total++;
        bytes += l.text.length + 1;
        const r =
          l.error === undefined
            ? validateLine(l.text, file, l.line)
            : { ok: false as const, problems: [{ path: '', expected: 'UTF-8 text line', found: l.error }] };
        if (r.ok) {
          report.valid++;
          continue;
        }
        report.invalid++;
        for (const p of r.problems) {
          if (report.errors.length < options.maxErrors) report.errors.push({ file, line: l.line, ...p });
          else report.errors_truncated = true;
        }
      }
      options.onProgress?.(bytes);
    }
  }
  report.success_rate = report.total === 0 ? 0 : report.valid / report.total;
  return report;
}

/**
 * `valid / total ≥ rate`, exactly: `rate` is a decimal text in [0, 1] ("0.95", "1"),
 * compared as integers (no float rounding at the boundary).
 */
export function meetsRate(valid: number, total: number, rate: string): boolean {
  const [int, frac = ''] = rate.split('.');
  const scale = 10n ** BigInt(frac.length);
  return BigInt(valid) * scale >= BigInt((int || '0') + frac) * BigInt(total);
}

/** A success-rate option: a decimal in [0, 1]. */
export function isRateText(text: string): boolean {
  return /^(0|1)?(\.[0-9]+)?$/.test(text) && text !== '' && text !== '.' && meetsRate(1, 1, text);
}
