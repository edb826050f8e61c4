/** @vltrace/query: reports (summary, failed, slow, files, procs, lost, the HTML report) and SQL over vltrace recordings. */
export { Session, type SessionOptions } from './session.js';
export { filterSql, type FilterOptions } from './filters.js';
export { TraceDb, type QueryResult, type Sources } from './db.js';
export { resolveInputs, type ResolvedInputs } from './inputs.js';
export { prepareRecording, type PreparedRecording, type PrepareOptions, type RecordingInfo } from './recording.js';
export { processesSql } from './processes.js';
export { fdIntervals, type FdInterval, type ResolvedPath } from './fds.js';
export { EXIT, QueryError, UsageError, InputError } from './errors.js';
export { renderTable, OUTPUT_FORMATS, type OutputFormat, type Table, type Column, type Cell } from './output.js';
export { summary, summaryTable, SUMMARY_SORT_KEYS, type SummaryOptions, type SummaryRow, type SummaryResult } from './reports/summary.js';
export { failed, failedTable, type FailedOptions, type FailedRow } from './reports/failed.js';
export { slow, slowTable, type SlowOptions, type SlowRow } from './reports/slow.js';
export { files, filesTable, type FilesOptions, type FileRow } from './reports/files.js';
export { procs, procsTable, signalName, type ProcsOptions, type ProcRow } from './reports/procs.js';
export { lost, lostTable, type LostOptions, type LostRow } from './reports/lost.js';
export { sql, sqlTable } from './reports/sql.js';
export { reportData, REPORT_LIMITS, type ReportData, type ReportOptions, type Lane, type Timeline, type Latency, type LatencyHistogram, type FailurePath } from './reports/report.js';
export { reportHtml, writeReport, defaultReportPath, REPORT_COLORS } from './report-html.js';
