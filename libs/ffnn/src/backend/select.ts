/**
 * Picks the backend named by the `backend` option: 'js' (the reference), 'native' (the Rust
 * addon; an error saying why when it cannot load) or 'auto' (native when it loads, else js).
 */
import { FfnnError } from '../errors.ts';
import type { Backend } from './backend.ts';
import { jsBackend } from './js.ts';
import { loadNativeBackend } from './native.ts';

/** A backend by name: 'auto' is native when the addon loads, else js. */
export type BackendChoice = 'js' | 'native' | 'auto';

/** The backend for a name; 'native' without the addon throws BACKEND_UNAVAILABLE with the reason. */
export function selectBackend(name: BackendChoice): Backend {
  if (name === 'js') return jsBackend;
  const native = loadNativeBackend();
  if (native.backend) return native.backend;
  if (name === 'auto') return jsBackend;
  throw new FfnnError('BACKEND_UNAVAILABLE', `backend: 'native' was asked for but ${native.reason}`, {
    param: 'backend',
    reason: native.reason,
  });
}

/** What `ffnn info` reports: the backend 'auto' resolves to, and why native is missing if it is. */
export function backendStatus(): { active: string; nativeLoaded: boolean; reason: string | null } {
  const native = loadNativeBackend();
  return { active: native.backend ? 'native' : 'js', nativeLoaded: native.backend !== null, reason: native.reason };
}
