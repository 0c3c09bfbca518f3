import type { FieldSchema__Output } from '../../../proto/generated/milvus/proto/schema/FieldSchema.js';
import { collectionTimezone, MMAP_PROPERTY, validateProperties } from '../../../milvus/collection-properties.js';
import { keyValueMap } from '../../../milvus/key-values.js';
import { FieldSchemaMessage } from '../../../milvus/proto.js';
import { decodeAddedField } from '../../../milvus/schema-codec.js';
import { collectionLoaded, invalidParameter } from '../../../milvus/status.js';
import type { CollectionState } from '../collection-state.js';
import type { Handlers, WriterApi } from './context.js';

/**
 * Changes to an existing collection's definition: a field added (AddCollectionField, and the
 * add-one-field form of AlterCollectionSchema, which the SDK's addCollectionField sends first)
 * and its properties altered or dropped (AlterCollection). Each runs after every other change
 * of definitions (Writer.definitionChange).
 */
export function alterationHandlers(api: WriterApi): Handlers<'AddCollectionField' | 'AlterCollectionSchema' | 'AlterCollection'> {
  const { writer } = api;
  const addField = (c: CollectionState, field: FieldSchema__Output) =>
    writer.addField(c, decodeAddedField(field, c.schema, collectionTimezone(c.record.properties)));
  return {
    AddCollectionField: (req) =>
      writer.definitionChange(async () => {
        const c = api.collection(req.db_name, req.collection_name);
        let field: FieldSchema__Output;
        try {
          field = FieldSchemaMessage.decode(req.schema ?? Buffer.alloc(0));
        } catch (e) {
          throw invalidParameter(`the field of AddCollectionField is not a valid FieldSchema: ${(e as Error).message}`);
        }
        await addField(c, field);
        return {};
      }),
    AlterCollectionSchema: (req) =>
      writer.definitionChange(async () => {
        const c = api.collection(req.db_name, req.collection_name);
        const add = req.action?.add_request;
        if (!add) throw invalidParameter('AlterCollectionSchema: Mishards supports only an add_request (adding one field)');
        if (add.func_schema.length)
          throw invalidParameter('AlterCollectionSchema: func_schema is not supported: Mishards has no functions');
        if (add.field_infos.length !== 1) throw invalidParameter('For now, only one field info is supported in alter schema task');
        const [info] = add.field_infos;
        if (!info!.field_schema) throw invalidParameter('empty new field schema in alter schema task');
        if (info!.index_name || info!.extra_params.length)
          throw invalidParameter('AlterCollectionSchema: an index on the added field (index_name, extra_params) is not supported');
        await addField(c, info!.field_schema);
        return {};
      }),
    // As Milvus's proxy: properties or keys to drop, not both; mmap not changed while loaded.
    AlterCollection: (req) =>
      writer.definitionChange(async () => {
        const c = api.collection(req.db_name, req.collection_name);
        const set = Object.fromEntries(keyValueMap(req.properties));
        const drop: string[] = req.delete_keys ?? [];
        if (Object.keys(set).length && drop.length) throw invalidParameter('cannot provide both DeleteKeys and ExtraParams');
        if (c.isLoaded() && MMAP_PROPERTY in set)
          throw collectionLoaded(req.collection_name, 'can not alter mmap properties if collection loaded');
        if (c.isLoaded() && drop.includes(MMAP_PROPERTY))
          throw collectionLoaded(req.collection_name, 'can not delete mmap properties if collection loaded');
        validateProperties(set);
        const properties = { ...c.record.properties, ...set };
        for (const key of drop) delete properties[key];
        await writer.setProperties(c, properties);
        return {};
      }),
  };
}
