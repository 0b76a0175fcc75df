package io.filterwatch.trainer.data;

import ai.djl.basicdataset.cv.classification.ImageFolder;
import ai.djl.modality.cv.transform.CenterCrop;
import ai.djl.modality.cv.transform.Resize;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.translate.Pipeline;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An ImageNet-style class-per-folder tree through DJL's {@link ImageFolder}, resized to a square. */
public final class ImageFolderData implements TrainingData {

    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final ImageFolder folder;
    private final NDManager manager;
    private final int imageSize;
    private final int numClasses;
    /**
     * Applied here: {@code Dataset.get(manager, index)} returns the raw image (H x W x 3, uint8);
     * DJL applies a dataset's own transforms only when it iterates batches itself.
     */
    private final Pipeline pipeline;

    private ImageFolderData(ImageFolder folder, NDManager manager, int imageSize) {
        this.folder = folder;
        this.manager = manager;
        this.imageSize = imageSize;
        this.pipeline = new Pipeline()
                .add(new Resize(imageSize + imageSize / 7))
                .add(new CenterCrop(imageSize, imageSize))
                .add(new ToTensor());
        try {
            this.numClasses = folder.getSynset().size();
        } catch (IOException | TranslateException e) {
            throw new IllegalStateException("cannot list classes of the image folder: " + e.getMessage(), e);
        }
    }

    public static TrainingData load(Path root, int imageSize) {
        if (!Files.isDirectory(root)) {
            throw new DatasetMissingException("Image folder", root,
                    "Point data-path at a folder with one sub-folder of images per class (e.g. ImageNet's train/).");
        }
        ImageFolder folder = ImageFolder.builder()
                .setRepositoryPath(root)
                .setSampling(1, false)
                .build();
        try {
            folder.prepare();
        } catch (IOException | TranslateException | RuntimeException e) {
            throw new IllegalStateException("cannot index image folder " + root + ": " + e.getMessage(), e);
        }
        if (folder.size() == 0) {
            throw new DatasetMissingException("Image folder (no images)", root,
                    "Each class needs a sub-folder with .jpg/.png images.");
        }
        return new ImageFolderData(folder, NDManager.newBaseManager(), imageSize);
    }

    @Override
    public String name() {
        return "image-folder";
    }

    @Override
    public int size() {
        return Math.toIntExact(folder.size());
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public Shape sampleShape() {
        return new Shape(3, imageSize, imageSize);
    }

    @Override
    public void fill(int index, float[] target, int offset) {
        try (NDManager m = manager.newSubManager()) {
            Record r = folder.get(m, index);
            float[] chw = pipeline.transform(r.getData()).singletonOrThrow().toFloatArray();
            int plane = imageSize * imageSize;
            for (int i = 0; i < chw.length; i++) {
                int c = i / plane;
                target[offset + i] = (chw[i] - MEAN[c]) / STD[c];
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read image " + index + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int label(int index) {
        try (NDManager m = manager.newSubManager()) {
            NDArray label = folder.get(m, index).getLabels().singletonOrThrow();
            return (int) label.toType(DataType.FLOAT32, false).toFloatArray()[0];
        } catch (IOException e) {
            throw new IllegalStateException("cannot read label " + index + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
