import { stringify } from 'yaml';

/** Serializes objects as one multi-document YAML file. */
export function yamlDocuments(docs: object[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
