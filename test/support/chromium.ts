/**
 * A Chromium for the browser tests, with no download at run time: the system's Chromium when
 * one is installed (PLANLEDGER_CHROMIUM or /usr/bin/chromium), otherwise the build shipped inside
 * the npm package @sparticuz/chromium (a devDependency, so `npm ci` brings it), which unpacks
 * itself once into the temporary folder and runs headless.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const SYSTEM_CHROMIUM = process.env.PLANLEDGER_CHROMIUM ?? '/usr/bin/chromium';
const COMMON_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Which binary the tests drive, and the arguments it needs. */
export async function chromiumBinary(): Promise<{ executablePath: string; args: string[]; source: string }> {
  if (existsSync(SYSTEM_CHROMIUM)) {
    return { executablePath: SYSTEM_CHROMIUM, args: COMMON_ARGS, source: 'system' };
  }
  if (process.env.PLANLEDGER_CHROMIUM) {
    throw new Error(`no Chromium at ${SYSTEM_CHROMIUM} (PLANLEDGER_CHROMIUM names a missing file)`);
  }
  const packaged = (await import('@sparticuz/chromium')).default;
  const executablePath = await packaged.executablePath();
  // The package's own arguments (SwiftShader, no zygote) plus ours, without duplicates; not its
  // --single-process, with which a second page after the first one closes never opens.
  const own = packaged.args.filter((a) => !a.startsWith('--headless') && a !== '--single-process');
  const args = [...new Set([...own, ...COMMON_ARGS])];
  return { executablePath, args, source: '@sparticuz/chromium' };
}

export async function launchChromium(): Promise<Browser> {
  const { executablePath, args } = await chromiumBinary();
  return chromium.launch({ executablePath, args });
}
