package dev.pgevents.readmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PreloadQueriesTest {

    @Test
    void aPreloadQueryHasAPowerOfTwoParametersSoFewTextsAreTranslated() {
        assertEquals(1, PreloadQueries.paddedSize(0));
        assertEquals(1, PreloadQueries.paddedSize(1));
        assertEquals(2, PreloadQueries.paddedSize(2));
        assertEquals(4, PreloadQueries.paddedSize(3));
        assertEquals(32, PreloadQueries.paddedSize(17));
        assertEquals(64, PreloadQueries.paddedSize(33));
        assertEquals(512, PreloadQueries.paddedSize(500));
        assertEquals(PreloadQueries.MAX_IDS, PreloadQueries.paddedSize(PreloadQueries.MAX_IDS));
    }

    @Test
    void aPreloadQueryNamesOneParameterPerId() {
        assertEquals("SELECT e FROM CourseView e WHERE e.courseId IN (:id0)", PreloadQueries.text("CourseView", "courseId", 1));
        assertEquals("SELECT e FROM CourseView e WHERE e.courseId IN (:id0, :id1, :id2, :id3)",
                PreloadQueries.text("CourseView", "courseId", 4));
        assertEquals("id511", PreloadQueries.parameter(PreloadQueries.MAX_IDS - 1));
    }
}
