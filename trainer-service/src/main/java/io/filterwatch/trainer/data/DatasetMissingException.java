package io.filterwatch.trainer.data;

import java.nio.file.Path;

/** A dataset is not on local disk. The trainer never downloads: the message says how to get it. */
public class DatasetMissingException extends RuntimeException {
    public DatasetMissingException(String dataset, Path path, String howToGetIt) {
        super(dataset + " not found at " + path.toAbsolutePath() + ". " + howToGetIt);
    }
}
