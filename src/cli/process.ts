/** A runnable entry for the CLI from any build directory (tests spawn it as a separate process to kill it). */
import { main } from './main';

void main(process.argv).then((code) => { process.exitCode = code; });
