/**
 * One attack of bench/soak.ts in its own process: `soak_worker ATTACK RUNDIR DEADLINE_MS`
 * (DEADLINE_MS since the epoch). Prints one JSON line, the attack's tally, and exits.
 */
import { ATTACKS, AttackName } from './soak_attacks';

async function main(): Promise<void> {
  const [name, rundir, deadline] = process.argv.slice(2);
  const attack = ATTACKS[name as AttackName];
  if (!attack || !rundir || !Number.isFinite(Number(deadline))) throw new Error(`usage: soak_worker ${Object.keys(ATTACKS).join('|')} RUNDIR DEADLINE_MS`);
  const result = await attack(rundir, Number(deadline));
  process.stdout.write(`${JSON.stringify({ attack: name, ...result })}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ attack: process.argv[2], failed: err instanceof Error ? err.stack : String(err) })}\n`);
  process.exit(1);
});
