/**
 * Where the outbox keeps unsent answers on the phone: IndexedDB, not
 * localStorage. Chromium hands localStorage writes to the browser process
 * some time after setItem returns, with no way to know when, and a tab killed
 * in between loses them (measured: under load, answers set just before a
 * renderer crash were gone in the next tab). An IndexedDB transaction's
 * `complete` fires only once the browser has committed it, so `write`
 * resolving means the answers survive the tab.
 */
export interface PhoneStore {
  /** The value kept under `key`, or undefined. */
  read(key: string): Promise<unknown>;
  /** Keep `value` under `key` (null: forget it); resolves once committed. */
  write(key: string, value: unknown): Promise<void>;
}

/** Shared with the browser tests, which read what a phone kept. */
export const PHONE_DB = { name: 'pont', version: 1, store: 'outbox' } as const;

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(PHONE_DB.name, PHONE_DB.version);
    request.onupgradeneeded = () => request.result.createObjectStore(PHONE_DB.store);
    request.onsuccess = () => {
      const db = request.result;
      // A newer version of the app wants to upgrade, or the browser closed it (storage cleared): reopen next time.
      db.onversionchange = () => db.close();
      db.onclose = () => (opening = null);
      resolve(db);
    };
    request.onerror = () => reject(request.error ?? new Error('IndexedDB open failed'));
  }).catch((error: unknown) => {
    opening = null;
    throw error;
  });
  return opening;
}

async function inTransaction(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(PHONE_DB.store, mode);
    const request = act(transaction.objectStore(PHONE_DB.store));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onabort = transaction.onerror = () => reject(transaction.error ?? request.error);
    // Commit now rather than when this task ends: the sooner it is committed, the less a killed tab can lose.
    transaction.commit?.();
  });
}

export const indexedDbStore: PhoneStore = {
  read: (key) => inTransaction('readonly', (store) => store.get(key)),
  write: async (key, value) => {
    await inTransaction('readwrite', (store) => (value === null ? store.delete(key) : store.put(value, key)));
  },
};
