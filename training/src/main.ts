import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { TrainingModule } from './training.module';

/** `train` and `evaluate`; any failure is one line on stderr and exit code 1. */
async function bootstrap(): Promise<void> {
  const fail = (error: Error) => {
    console.error(`error: ${error.message.replace(/^error: /, '')}`);
    process.exit(1);
  };
  await CommandFactory.run(TrainingModule, { logger: ['error', 'warn'], serviceErrorHandler: fail }).catch(fail);
}

void bootstrap();
