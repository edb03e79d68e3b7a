export * from './protocol/recognition.events';
export * from './protocol/socket-parser';
