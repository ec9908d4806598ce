/**
 * When @ffnn/native cannot load, the reason is the real cause in a user's terms: a missing
 * package says how to install it, a broken one carries the addon's own message and its cause
 * (napi-rs puts the dlopen error there), and no message sends a user to a build tool of this repo.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nativeLoadReason } from '../src/backend/native.ts';

const notFound = (id: string) =>
  Object.assign(new Error(`Cannot find module '${id}'\nRequire stack:\n- /app/node_modules/@ffnn/core/dist/backend/native.js`), { code: 'MODULE_NOT_FOUND' });

test('a missing @ffnn/native says to install it', () => {
  const reason = nativeLoadReason(notFound('@ffnn/native'));
  assert.match(reason, /@ffnn\/native is not installed/);
  assert.match(reason, /npm install @ffnn\/native/);
  assert.not.match(reason, /\bnx\b/);
});

test("a platform package missing inside @ffnn/native is the addon's own message, not 'not installed'", () => {
  const err = new Error('@ffnn/native: no prebuilt binary for linux-x64-musl (this machine uses musl libc); install on glibc or build from source');
  assert.is(nativeLoadReason(err), `@ffnn/native did not load: ${err.message}`);
  assert.match(nativeLoadReason(notFound('@ffnn/native-linux-x64-gnu')), /did not load: Cannot find module '@ffnn\/native-linux-x64-gnu'/);
});

test('the cause is carried into the reason (on one line), once', () => {
  const cause = new Error("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.39' not found");
  const err = new Error('Cannot load @ffnn/native:\nthe binary needs a newer glibc', { cause });
  const reason = nativeLoadReason(err);
  assert.is(reason, `@ffnn/native did not load: Cannot load @ffnn/native: the binary needs a newer glibc (cause: ${cause.message})`);
  assert.is(nativeLoadReason(new Error(`failed: ${cause.message}`, { cause })), `@ffnn/native did not load: failed: ${cause.message}`);
  assert.match(nativeLoadReason('a string'), /did not load: a string/);
});

test.run();
