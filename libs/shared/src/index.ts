export * from './protocol/recognition.events';
