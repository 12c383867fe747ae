/**
 * Lists every member of a union from the generated API types, checked both ways: a value the API does
 * not know fails to compile, and so does a value the API added and this list forgot.
 */
export const every =
  <T extends string>() =>
  <const A extends readonly T[]>(
    values: A & ([Exclude<T, A[number]>] extends [never] ? unknown : { missing: Exclude<T, A[number]> }),
  ): readonly T[] =>
    values;
