/** What a CLI command handler gets: its streams and environment, so tests can capture output. */
export interface CliContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: long commands stop cleanly and keep what they saved. */
  signal: AbortSignal;
}

/** A subcommand: receives the arguments after its name, returns the process exit code. */
export type CommandHandler = (args: string[], context: CliContext) => Promise<number>;

/** Exit codes: 0 success, 1 failure of the work, 2 bad usage (arguments). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
