/** The library version, recorded in model files. Keep in step with package.json. */
export const VERSION = '0.1.0';
