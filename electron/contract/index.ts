export * from './errors.js';
export * from './schemas.js';
export * from './channels.js';
export * from './validate.js';
export * from './forwards.js';
