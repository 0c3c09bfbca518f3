import { describe, expect, it } from 'vitest';
import { checkCollectionNames, validateEntityName, validateIndexName, validatePassword, validateUsername } from '../../milvus/names.js';

const refusal = (run: () => void) => {
  try {
    run();
  } catch (e) {
    const err = e as { code: number; message: string };
    return { code: err.code, message: err.message };
  }
  return undefined;
};

describe('names as Milvus checks them', () => {
  it('user names: a letter, then letters, digits and underscores, at most 32', () => {
    for (const ok of ['a', 'ann_2', 'A'.repeat(32)]) expect(refusal(() => validateUsername(ok))).toBeUndefined();
    expect(refusal(() => validateUsername(''))).toEqual({ code: 1100, message: 'username must be not empty: invalid parameter' });
    expect(refusal(() => validateUsername('_ann'))).toEqual({
      code: 1100,
      message: 'invalid user name _ann, the first character must be a letter, but got _: invalid parameter',
    });
    expect(refusal(() => validateUsername('a/b'))?.message).toBe(
      'invalid user name a/b, username must contain only numbers, letters and underscores, but got 47: invalid parameter',
    );
    expect(refusal(() => validateUsername('a'.repeat(33)))?.code).toBe(1100);
  });

  it('passwords: 6 to 256 bytes, never echoed', () => {
    expect(refusal(() => validatePassword('secret'))).toBeUndefined();
    expect(refusal(() => validatePassword('x'.repeat(256)))).toBeUndefined();
    expect(refusal(() => validatePassword('short'))).toEqual({
      code: 1100,
      message: 'invalid password length: invalid parameter[5 out of range 6 <= value <= 256]',
    });
    expect(refusal(() => validatePassword('y'.repeat(257)))?.message).not.toContain('yyy');
  });

  it('role and other RBAC names: letters, digits, underscores and dollars; * where any is allowed', () => {
    expect(refusal(() => validateEntityName('role name', 'read$only_1'))).toBeUndefined();
    expect(refusal(() => validateEntityName('object name', '*', true))).toBeUndefined();
    expect(refusal(() => validateEntityName('role name', '*'))?.code).toBe(1100);
    expect(refusal(() => validateEntityName('role name', ''))?.message).toBe(
      'role name should be not empty: invalid parameter[expected=not empty][actual=]',
    );
    expect(refusal(() => validateEntityName('role name', "r'; --"))?.message).toBe(
      "role name can only contain numbers, letters, dollars and underscores, found ' at 1: invalid parameter",
    );
    expect(refusal(() => validateEntityName('role name', '1r'))?.message).toBe(
      'the first character of role name must be an underscore or letter: invalid parameter[expected=95][actual=49]',
    );
  });

  it('index names, and the collection names of every method that names one', () => {
    expect(refusal(() => validateIndexName(''))).toBeUndefined();
    expect(refusal(() => validateIndexName('v_idx'))).toBeUndefined();
    expect(refusal(() => validateIndexName('v-idx'))?.message).toBe(
      'Invalid index name: v-idx. Index name cannot only contain numbers, letters, and underscores.',
    );
    expect(refusal(() => checkCollectionNames('Search', { collection_name: '../x' }))?.code).toBe(1100);
    expect(refusal(() => checkCollectionNames('ManualCompaction', { collection_name: '', collectionID: '7' }))).toBeUndefined();
    expect(refusal(() => checkCollectionNames('Query', { collection_name: '' }))?.message).toBe('collection name should not be empty');
  });
});
