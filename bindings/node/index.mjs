// ES module entry: the same objects as the CommonJS entry (one copy of the native state).
import paytoken from './index.js';

export const {
  Client,
  Response,
  PayTokenError,
  InvalidArgumentError,
  AuthError,
  GatewayError,
  NetworkError,
  PayTokenTimeoutError,
  TokenTimeoutError,
  TimeoutError,
  TlsError,
  InternalError,
  ErrorCode,
  libraryVersion,
  configSchema,
  logs,
  setLogLevel,
  droppedLogs,
  verifyWebhook,
} = paytoken;

export default paytoken;
