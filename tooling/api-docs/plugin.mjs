// @ts-check
// A TypeDoc plugin for one warning only. In `entryPointStrategy: "packages"` TypeDoc validates each package
// on its own with the same `intentionallyNotExported` list, and warns in every package that does not
// reference an entry ("marked as intentionally not exported, but … not referenced"): with
// `treatWarningsAsErrors` one allow-list for the whole monorepo could never pass. This plugin keeps that
// warning only for an entry that no package used (a stale entry still fails the build); every other warning
// is untouched.
import { Application, Converter } from 'typedoc';

const UNUSED = /^The following symbols were marked as intentionally not exported, but were either not referenced in the documentation, or were exported:\n\t/;

/** @param {Application} app */
export function load(app) {
  const logger = app.logger;
  const validationWarning = logger.validationWarning.bind(logger);
  /** @type {Map<string, number>} how many packages did not use each entry */
  const unused = new Map();
  let converted = 0;
  logger.validationWarning = /** @type {typeof logger.validationWarning} */ ((/** @type {any} */ text, /** @type {any[]} */ ...rest) => {
    const m = typeof text === 'string' ? UNUSED.exec(text) : null;
    if (!m) return /** @type {any} */ (validationWarning)(text, ...rest);
    for (const name of text.slice(m[0].length).split('\n\t')) unused.set(name, (unused.get(name) ?? 0) + 1);
  });
  app.converter.on(Converter.EVENT_END, () => {
    converted += 1;
  });
  app.on(Application.EVENT_PROJECT_REVIVE, () => {
    const stale = [...unused].filter(([, n]) => n >= converted).map(([name]) => name);
    if (stale.length) validationWarning(/** @type {never} */ (`intentionallyNotExported lists symbols that no package references (remove them): ${stale.join(', ')}`));
  });
}
