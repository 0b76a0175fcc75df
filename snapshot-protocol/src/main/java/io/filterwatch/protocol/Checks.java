package io.filterwatch.protocol;

/** Argument checks shared by the record constructors (not wire validation: that is the decoder's). */
final class Checks {
    private Checks() {
    }

    static void requireLength(String field, Object array, int expected) {
        if (array == null) {
            throw new IllegalArgumentException(field + " is null");
        }
        int length = java.lang.reflect.Array.getLength(array);
        if (length != expected) {
            throw new IllegalArgumentException(field + " has " + length + " elements, expected " + expected);
        }
    }
}
