/** Diagnostic counters: SET/QUERY_DIAGNOSTIC_PARAMS and QUERY_DIAGNOSTIC_COUNTERS over a clock-driven sampler. */
export { diagCommands, DiagOpcode, setDiagnosticParams, queryDiagnosticParams, queryDiagnosticCounters } from './commands';
export { diagCaps, type DiagCaps } from './caps';
export { counterValue } from './values';
