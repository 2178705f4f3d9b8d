/** Exhaustiveness guard for switches over event unions: adding an event type without handling it fails to compile. */
export function assertNever(value: never, where: string): never {
  throw new Error(`${where}: unhandled ${JSON.stringify(value)}`);
}
