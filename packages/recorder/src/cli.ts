/**
 * vltrace-record's command line: yargs wiring of the OPTIONS table, the lists (-L -R -B),
 * the end-of-run report, and the only place that maps errors to exit statuses
 * (the command's status; 1 usage errors; 2 environment or privileges, or an output that
 * cannot be created).
 *
 * Start-up matters (the command waits for it): importing yargs costs more than loading the
 * BPF program, so the plain command lines are read by quickParse() from the same OPTIONS
 * table, and yargs is imported only for everything else (--help, the lists, every error,
 * any spelling quickParse does not take). Both give the same arguments (test/options.test.ts).
 */
import type { Options } from 'yargs';
import { EnvironmentError, OutputError, UsageError } from './errors.js';
import { checkEnvironment, startLoading, type Loading } from './native.js';
import { OPTIONS, recordSettings, type OptionDef, type ParsedArgs, type RecordOptions } from './options.js';
import type { RecordStats } from './record.js';

const NAME = 'vltrace-record';

function say(line: string): void {
  process.stderr.write(`${NAME}: ${line}\n`);
}

/** --stats: packets by type, bytes, lost per CPU, rate. */
function printStats(st: RecordStats): void {
  const secs = st.durationMs / 1000;
  const lines = [
    `duration      ${secs.toFixed(3)} s`,
    `events        ${st.events} (written ${st.written} + lost ${st.lost})`,
    `bytes         ${st.bytes} (${(st.bytes / 2 ** 20).toFixed(1)} MiB)`,
    `rate          ${Math.round(st.events / Math.max(secs, 1e-9))} packets/s, ${Math.round(st.syscalls / Math.max(secs, 1e-9))} syscalls/s`,
    `packets       ${Object.entries(st.packetsByType).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `lost per CPU  ${st.lostPerCpu.join(' ')}`,
    `drain CPU     ${st.drainCpuMs.toFixed(1)} ms (${st.written ? ((st.drainCpuMs * 1e6) / st.written).toFixed(0) : 0} ns per packet)`,
    `deferred      ${st.deferred} entries written at exit (string not yet readable at entry)`,
  ];
  process.stderr.write(lines.map((l) => `${NAME}: ${l}\n`).join(''));
}

type OptionName = keyof typeof OPTIONS;
const DEFS = OPTIONS as Readonly<Record<OptionName, OptionDef>>;
const BY_SHORT = new Map(Object.entries(DEFS).flatMap(([name, d]) => (d.alias ? [[d.alias, name as OptionName] as const] : [])));
/** Options quickParse leaves to yargs: the lists (not a recording, start-up does not matter). */
const YARGS_ONLY = new Set<OptionName>(['list', 'll-list', 'builtin-list']);
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The arguments of a plain command line (`-f -o x.bin -s 4096 -- cmd ...`), as yargs would
 * give them, without importing yargs; undefined for anything else (help, lists, errors,
 * repeated options, negations, values that look like options, numbers that are not plain
 * digits, bundles with a value...), which yargs then parses, validates and explains.
 */
export function quickParse(argv: readonly string[]): ParsedArgs | undefined {
  const a: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(DEFS)) if (d.default !== undefined) a[camel(name)] = d.default;
  const seen = new Set<OptionName>();
  let i = 0;
  for (; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') {
      i++;
      break;
    }
    if (!tok.startsWith('-') || tok === '-') break; // the command: halt-at-non-option
    let names: OptionName[];
    let inline: string | undefined;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = tok.slice(2, eq < 0 ? undefined : eq);
      if (!Object.hasOwn(DEFS, name)) return undefined;
      names = [name as OptionName];
      if (eq >= 0) inline = tok.slice(eq + 1);
    } else {
      names = [];
      for (const ch of tok.slice(1)) {
        const name = BY_SHORT.get(ch);
        if (!name) return undefined;
        names.push(name);
      }
      // -fX: a bundle of flags; -s126, -o=x and the like are yargs'
      if (names.length > 1 && names.some((n) => DEFS[n].type !== 'boolean')) return undefined;
    }
    for (const name of names) {
      const d = DEFS[name];
      if (YARGS_ONLY.has(name) || (seen.has(name) && !d.array)) return undefined;
      seen.add(name);
      if (d.type === 'boolean') {
        // `-d false` and `--debug=true` are yargs' too
        if (inline !== undefined || argv[i + 1] === 'true' || argv[i + 1] === 'false') return undefined;
        a[camel(name)] = true;
        continue;
      }
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || v.startsWith('-') || (d.choices && !d.choices.includes(v))) return undefined;
      let value: string | number = v;
      if (d.type === 'number') {
        if (!/^(0|[1-9]\d{0,8})$/.test(v)) return undefined;
        value = Number(v);
      }
      if (d.array) {
        // yargs takes every following value (`-p 1 2`): only `-p N` followed by an option or the end here
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('-')) return undefined;
        ((a[camel(name)] ??= []) as unknown[]).push(value);
      } else {
        a[camel(name)] = value;
      }
    }
  }
  return { ...a, _: argv.slice(i) } as ParsedArgs;
}

/** The yargs parser of the OPTIONS table: --help, the lists, and every line quickParse leaves. */
export async function yargsParse(argv: string[]): Promise<ParsedArgs & { list?: boolean; llList?: boolean; builtinList?: boolean }> {
  const { default: yargs } = await import('yargs');
  const parser = yargs(argv)
    .scriptName(NAME)
    .usage(`$0 [options] [--] [command [arg ...]]\n\nRecord the system calls of a command, of running processes (-p) or of the whole system, with eBPF.`)
    .options(OPTIONS as unknown as Record<string, Options>)
    // the command's arguments stay strings (`echo 0x10` runs `echo 0x10`, not `echo 16`)
    .parserConfiguration({ 'halt-at-non-option': true, 'parse-positional-numbers': false })
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      throw err instanceof UsageError || !msg ? (err ?? new UsageError('bad usage')) : new UsageError(msg);
    });
  return (await parser.parseAsync()) as unknown as ParsedArgs & { list?: boolean; llList?: boolean; builtinList?: boolean };
}

/** The arguments of vltrace-record's argv (what follows the script): quickParse, else yargs. */
export function parseArgs(argv: string[]): Promise<ParsedArgs & { list?: boolean; llList?: boolean; builtinList?: boolean }> {
  const quick = quickParse(argv);
  return quick ? Promise.resolve(quick) : yargsParse(argv);
}

async function run(argv: string[]): Promise<number> {
  const a = await parseArgs(argv);
  if (a.list || a.llList || a.builtinList) {
    const { builtinList, kernelList } = await import('./syscalls.js');
    let lines: string[];
    if (a.builtinList) lines = builtinList();
    else {
      const addon = checkEnvironment();
      lines = a.list ? kernelList(addon) : addon.listBtfFuncs();
    }
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  // The BPF object loads on a worker thread from here on, while this thread loads the syscall
  // table (-e) and the rest. Errors are reported in their usual order, below: a wrong command
  // line (normalizeOptions), then the environment (record).
  let loading: Loading | undefined;
  try {
    loading = startLoading(checkEnvironment(), recordSettings(a));
  } catch {
    loading = undefined;
  }
  let opts: RecordOptions;
  let record: typeof import('./record.js').record;
  try {
    const [normalize, rec] = await Promise.all([import('./normalize.js'), import('./record.js')]);
    opts = normalize.normalizeOptions(a);
    record = rec.record;
  } catch (e) {
    loading?.rec.close();
    throw e;
  }
  const st = await record(opts, loading);
  say(`${st.syscalls} syscalls recorded, ${st.lost} lost`);
  if (st.lost > 0) say(`warning: ${st.lost} packets lost (the ring buffer was full); a larger --ring-size helps`);
  if (st.writeError) say(`error: recording stopped early: ${st.writeError}; the log holds what was written before`);
  if (opts.stats) printStats(st);
  return st.writeError ? 1 : st.exitCode;
}

/** Runs the CLI and sets the exit status. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  // `vltrace-record -R | head`: a reader that goes away ends the output, like any filter
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  try {
    process.exitCode = await run(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      process.stderr.write(`Try '${NAME} --help' for more information.\n`);
      process.exitCode = 1;
    } else if (e instanceof EnvironmentError || e instanceof OutputError) {
      say(e.message);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${NAME}: internal error, please report it: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  }
}
