// @ts-check
// A TypeDoc plugin for two warnings only. In `entryPointStrategy: "packages"` TypeDoc validates each package
// on its own with the same `intentionallyNotExported` and `intentionallyNotDocumented` lists, and warns in
// every package that does not use an entry ("marked as intentionally not exported / documented, but …"): with
// `treatWarningsAsErrors` one allow-list for the whole monorepo could never pass. This plugin keeps that
// warning only for an entry that no package used (a stale entry still fails the build); every other warning
// is untouched.
import { Application, Converter } from 'typedoc';

/** @type {[string, RegExp][]} */
const UNUSED = [
  ['intentionallyNotExported', /^The following symbols were marked as intentionally not exported, but were either not referenced in the documentation, or were exported:\n\t/],
  ['intentionallyNotDocumented', /^The following qualified reflection names were marked as intentionally not documented, but were either not referenced in the documentation, or were documented:\n\t/],
];

/** @param {Application} app */
export function load(app) {
  const logger = app.logger;
  const validationWarning = /** @type {(text: any, ...rest: any[]) => void} */ (logger.validationWarning.bind(logger));
  /** @type {Map<string, number>} how many packages did not use each entry ("option: name") */
  const unused = new Map();
  let converted = 0;
  logger.validationWarning = /** @type {typeof logger.validationWarning} */ ((/** @type {any} */ text, /** @type {any[]} */ ...rest) => {
    for (const [option, pattern] of UNUSED) {
      const m = typeof text === 'string' ? pattern.exec(text) : null;
      if (!m) continue;
      for (const name of text.slice(m[0].length).split('\n\t')) unused.set(`${option}: ${name}`, (unused.get(`${option}: ${name}`) ?? 0) + 1);
      return;
    }
    validationWarning(text, ...rest);
  });
  app.converter.on(Converter.EVENT_END, () => {
    converted += 1;
  });
  app.on(Application.EVENT_PROJECT_REVIVE, () => {
    for (const [option] of UNUSED) {
      const stale = [...unused].filter(([key, n]) => key.startsWith(`${option}: `) && n >= converted).map(([key]) => key.slice(option.length + 2));
      if (stale.length) validationWarning(`${option} lists names that no package uses (remove them): ${stale.join(', ')}`);
    }
  });
}
