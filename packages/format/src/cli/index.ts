/** @vltrace/format/cli: the parser, --help, completion and messages the three CLIs share. */
export { ArgsError, parseCommandLine, STANDARD_OPTIONS, type OptionSpec, type OptionTable, type OptionValue, type Parsed } from './args.js';
export { optionLines, optionSynopsis, renderHelp, wrap, type HelpText } from './help.js';
export { completionScript, type CompletionSpec } from './completion.js';
export { say, sayInternal, sayUsage, versionLine } from './report.js';
