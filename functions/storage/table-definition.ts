/**
 * The single source of truth for Pont's DynamoDB tables. The CDK stack
 * (infra/aws/storage.ts) and the embedded platform (infra/local/tables.ts)
 * both build their tables from this data, so the two can never drift.
 * Key design and access patterns: docs/data-model.md.
 */
export type KeyAttribute = { name: string; type: 'S' | 'N' };

export type TableDefinition = {
  /** Construct id in CDK and the default table name in embedded mode. */
  id: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalSecondaryIndexes: ReadonlyArray<{ indexName: string; partitionKey: KeyAttribute; sortKey: KeyAttribute }>;
  /** Attribute holding an epoch-seconds expiry for short-lived items (rate-limit counters). */
  timeToLiveAttribute?: string;
};

export const mainTable: TableDefinition = {
  id: 'PontTable',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
};

/**
 * Whatever could identify a participant (contact details used to send links)
 * lives in this second table, never in the main one: answers and identities are
 * in separate custody, and nothing that reads answers (exports, the data team's
 * roles) is granted access to it.
 */
export const identityTable: TableDefinition = {
  id: 'PontIdentityTable',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  globalSecondaryIndexes: [],
  // Replaced contact details are kept for a retention period, then expire (functions/storage/identities.ts).
  timeToLiveAttribute: 'expiresAt',
};
