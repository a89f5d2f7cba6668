/**
 * Tests of the native recogniser (native/) where it is absent: skipped with the reason, never a
 * crash. It is absent where `npm ci` found no C compiler (scripts/build-native.mjs) or with
 * PLANLEDGER_NATIVE=0; ingest then takes its JavaScript paths. CI has a compiler and requires the
 * addon (scripts/native-loaded.mjs in .ci/run), so there these tests always run.
 */
import type { TestContext } from 'vitest';
import { nativeRecogniser } from '../../src/ingest/native.js';

/** Why the native tests are skipped here, or undefined where the addon is loaded. */
export const NATIVE_ABSENT: string | undefined =
  nativeRecogniser() !== null
    ? undefined
    : `native addon absent: ${
        process.env.PLANLEDGER_NATIVE === '0'
          ? 'PLANLEDGER_NATIVE=0'
          : 'build/Release/planledger_native.node is not built (npm ci builds it where a C compiler is)'
      }; its tests are skipped`;

if (NATIVE_ABSENT !== undefined) console.warn(NATIVE_ABSENT);

/** In a test or beforeEach: skip, naming the reason, when the test needs the addon and it is absent. */
export function skipWithoutNative(ctx: TestContext, needsNative = true): void {
  if (needsNative && NATIVE_ABSENT !== undefined) ctx.skip(NATIVE_ABSENT);
}
