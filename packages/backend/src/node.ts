/**
 * @genmod/backend/node: everything in `@genmod/backend`, plus what only Node has — the `file://` router for
 * tf.io without tfjs-node, and the command-line flags every genmod app takes.
 *
 * @module node
 */
export * from './index.js';
export { fileSystem, registerFileRouter } from './file-system.js';
export { backendFromArgs, backendListFromArgs, chooseBackendFromArgs, chooseNodeBackend, type NodeBackendName } from './args.js';
