import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTES } from '../shared/search-attributes';

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;

/** `NAME=Keyword` values for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  return Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}

const TYPES: Record<(typeof SEARCH_ATTRIBUTES)[SearchAttributeName], SearchAttributeType> = {
  Keyword: SearchAttributeType.KEYWORD,
};

/** The project's search attributes as SDK keys (what `@temporalio/testing` wants). */
export function searchAttributeKeys(): SearchAttributeKey<SearchAttributeType>[] {
  return Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => defineSearchAttributeKey(name, TYPES[type]));
}
