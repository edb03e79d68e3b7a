import { Module } from '@nestjs/common';
import { EvaluateCommand } from './commands/evaluate.command';
import { TrainCommand } from './commands/train.command';
import { EvaluationService } from './evaluation/evaluation.service';
import { TrainingService } from './training.service';

@Module({ providers: [TrainCommand, EvaluateCommand, TrainingService, EvaluationService] })
export class TrainingModule {}
