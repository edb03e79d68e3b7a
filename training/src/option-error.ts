/**
 * A bad option value, in the services' own words: which option (its name in the options object,
 * e.g. `batchSize`), and what is wrong with it. Services never mention command-line flags; the
 * commands map an option to its flag (`--batch-size`) when they report the error.
 */
export class OptionError<Option extends string = string> extends Error {
  constructor(
    readonly option: Option,
    readonly problem: string,
  ) {
    super(`${option} ${problem}`);
    this.name = 'OptionError';
  }
}
