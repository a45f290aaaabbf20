export { CodecKeyError, EncryptionCodec, ENCRYPTED_ENCODING, keyIdOf, METADATA_ENCRYPTION_KEY_ID } from './encryption-codec';
export { defaultCodecKeyFile, kubehaDataConverter, loadCodec } from './load';
export type { LoadCodecOptions, LoadedCodec } from './load';
