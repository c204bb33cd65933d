/**
 * Runs a callback once at the end of this turn of the event loop (the check phase, after every
 * readable socket of the turn was served) for each subscriber that asked during the turn: what
 * many requests answered in one turn send goes out in one system call per connection. Late
 * subscribers (the audit log's write) run after the others, so replies leave first.
 */
export interface TurnFlushable {
  flushTurn(): void;
}

let pending: TurnFlushable[] = [];
let pendingLate: TurnFlushable[] = [];
let spare: TurnFlushable[] = [];
let spareLate: TurnFlushable[] = [];
let scheduled = false;

function runList(due: TurnFlushable[]): void {
  for (let i = 0; i < due.length; i++) due[i].flushTurn();
  due.length = 0;
}

function runTurn(): void {
  scheduled = false;
  // What a flush asks for (a drain wakes a waiting request) goes in the next turn's lists.
  const due = pending;
  const dueLate = pendingLate;
  pending = spare;
  pendingLate = spareLate;
  runList(due);
  runList(dueLate);
  spare = due;
  spareLate = dueLate;
}

function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(runTurn);
  }
}

/** Calls `target.flushTurn()` at the end of this loop turn; the caller asks once per turn. */
export function flushAtEndOfTurn(target: TurnFlushable): void {
  pending.push(target);
  schedule();
}

/** As flushAtEndOfTurn, after every target that did not ask to be late. */
export function flushLateInTurn(target: TurnFlushable): void {
  pendingLate.push(target);
  schedule();
}
