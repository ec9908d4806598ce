// @ffnn/native's entry point (hand-written, committed). binding.js is napi-rs's generated loader
// (`napi build --platform --js binding.js`): it finds the compiled addon, either beside it
// (ffnn-native.<platform>.node, a build from source) or in the platform package
// (@ffnn/native-<platform>, an optional dependency). When that fails, napi-rs throws a generic
// "npm has a bug related to optional dependencies" error with the real cause buried in
// `error.cause`; load-error.js works out that cause and throws an error that names it.
// `module.exports = require(...)` is kept in this exact form: Node reads it as a re-export, so
// ESM can import the addon's functions by name (import { gemmF64 } from '@ffnn/native').
'use strict';

try {
  module.exports = require('./binding.js');
} catch (error) {
  throw require('./load-error.js').explainLoadError(error, __dirname);
}
