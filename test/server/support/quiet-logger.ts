import { ConsoleLogger, LoggerService, LogLevel } from '@nestjs/common';

export interface LogEntry {
  level: LogLevel;
  context: string | undefined;
  message: string;
}

/**
 * The test servers' logger: keeps every line (a test can assert on what was logged) and prints
 * none, so a passing run shows no error lines for the failures the tests provoke on purpose.
 * `TEST_SERVER_LOGS=1` prints them all through Nest's console logger.
 */
export class QuietLogger implements LoggerService {
  readonly entries: LogEntry[] = [];
  private readonly console = process.env.TEST_SERVER_LOGS ? new ConsoleLogger() : undefined;

  log(message: unknown, context?: string): void {
    this.keep('log', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.keep('error', message, context ?? stackOrContext);
  }
  warn(message: unknown, context?: string): void {
    this.keep('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.keep('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.keep('verbose', message, context);
  }

  /** Lines at `level` whose message matches. */
  find(level: LogLevel, pattern: RegExp): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level && pattern.test(entry.message));
  }

  private keep(level: LogLevel, message: unknown, context: string | undefined): void {
    const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
    this.entries.push({ level, context, message: text });
    if (this.entries.length > 10_000) this.entries.splice(0, 5_000);
    this.console?.[level === 'fatal' ? 'error' : level](text, context);
  }
}
