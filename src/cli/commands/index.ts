import type { RegisterCommand } from '../cli-context';

/** Every CLI command, one module each. Add a line here when you add a command file. */
export const COMMANDS: readonly RegisterCommand[] = [
];
