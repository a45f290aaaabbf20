export { EncryptionCodec, ENCRYPTED_ENCODING, METADATA_ENCRYPTION_KEY_ID } from './encryption-codec';
export type { EncryptionCodecOptions, KeyRingSource } from './encryption-codec';
export { CodecKeyError, formatKeyRing, generateKey, keyIdOf, keyRing, parseKeyRing } from './key-ring';
export type { KeyRing } from './key-ring';
export { codecKeyFile, defaultCodecKeyFile, FAILURE_CONVERTER_PATH, FileKeyRingSource, kubehaDataConverter, loadCodec, newKeyRing, readKeyRingFile } from './load';
export type { LoadCodecOptions, LoadedCodec } from './load';
export { rotateCodecKey } from './rotate';
export type { RotateOptions, RotateResult } from './rotate';
