// Worker-thread entry for running a TypeScript module from the sources (the tests run under tsx):
// worker threads do not inherit the loader that `node --import tsx` gave the main thread, so this
// registers it and then imports the module named by the last argv entry (see code-layout.ts).
import { register } from 'tsx/esm/api';

register();
await import(process.argv.at(-1));
