/**
 * Picks the backend named by the `backend` option: 'js' (the reference), 'native' (the Rust
 * addon; an error saying why when it cannot load) or 'auto' (native when it loads, else js).
 */
import { FfnnError } from '../errors.ts';
import type { Backend } from './backend.ts';
import { jsBackend } from './js.ts';

export function selectBackend(name: 'js' | 'native' | 'auto'): Backend {
  if (name === 'js' || name === 'auto') return jsBackend;
  throw new FfnnError('BACKEND_UNAVAILABLE', "backend: 'native' was asked for but the native addon is not built in this version", { param: 'backend' });
}
