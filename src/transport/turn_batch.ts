/**
 * Runs a callback once at the end of this turn of the event loop (the check phase, after every
 * readable socket of the turn was served) for each subscriber that asked during the turn: what
 * many requests answered in one turn send goes out in one system call per connection.
 */
export interface TurnFlushable {
  flushTurn(): void;
}

let pending: TurnFlushable[] = [];
let spare: TurnFlushable[] = [];
let scheduled = false;

function runTurn(): void {
  scheduled = false;
  const due = pending;
  pending = spare;
  // Flushes may queue more (a drain wakes a waiting request): those go in the next turn.
  for (let i = 0; i < due.length; i++) due[i].flushTurn();
  due.length = 0;
  spare = due;
}

/** Calls `target.flushTurn()` at the end of this loop turn; the caller asks once per turn. */
export function flushAtEndOfTurn(target: TurnFlushable): void {
  pending.push(target);
  if (!scheduled) {
    scheduled = true;
    setImmediate(runTurn);
  }
}
