/**
 * protobufjs represents 64-bit integers that do not fit a double as `long` instances; its
 * typings expose little of them, so the few calls we need are typed here.
 */
import protobuf from 'protobufjs';

export interface LongValue {
  readonly unsigned: boolean;
  isZero(): boolean;
  toString(): string;
}

const Long = protobuf.util.Long as unknown as {
  fromString(text: string, unsigned: boolean): LongValue;
  isLong(value: unknown): boolean;
};

export function isLong(value: unknown): value is LongValue {
  return Long.isLong(value);
}

export function longFromString(text: string, unsigned: boolean): LongValue {
  return Long.fromString(text, unsigned);
}
