package io.filterwatch.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.filterwatch.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @Test
    void missingDatasetNamesThePathAndHowToGetIt(@TempDir Path empty) {
        assertThatThrownBy(() -> Datasets.open(DatasetKind.FASHION_MNIST, empty.toString(), 28, 0, 10, 1, 1))
                .isInstanceOf(DatasetMissingException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
        assertThatThrownBy(() -> Datasets.open(DatasetKind.CIFAR10, empty.toString(), 32, 0, 10, 1, 1))
                .hasMessageContaining("data_batch_1.bin").hasMessageContaining("cifar-10-binary.tar.gz");
        assertThatThrownBy(() -> Datasets.open(DatasetKind.IMAGE_FOLDER, empty.resolve("nope").toString(), 32, 0,
                10, 1, 1)).hasMessageContaining("one sub-folder of images per class");
    }

    @Test
    void readsCifar10BinaryRecords(@TempDir Path dir) throws Exception {
        for (int b = 1; b <= 5; b++) {
            byte[] data = new byte[2 * 3073];
            data[0] = (byte) b;
            data[3073] = 9;
            data[1] = (byte) 255;
            Files.write(dir.resolve("data_batch_" + b + ".bin"), data);
        }
        TrainingData d = Datasets.open(DatasetKind.CIFAR10, dir.toString(), 32, 0, 10, 1, 1);
        assertThat(d.size()).isEqualTo(10);
        assertThat(d.label(0)).isEqualTo(1);
        assertThat(d.label(1)).isEqualTo(9);
        assertThat(d.label(8)).isEqualTo(5);
        float[] x = new float[3 * 32 * 32];
        d.fill(0, x, 0);
        assertThat(x[0]).isEqualTo((1f - 0.4914f) / 0.2470f);
    }

    @Test
    void readsAClassPerFolderTree(@TempDir Path root) throws Exception {
        for (String cls : new String[] {"cat", "dog"}) {
            Files.createDirectories(root.resolve(cls));
            for (int i = 0; i < 2; i++) {
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(20, 20,
                        java.awt.image.BufferedImage.TYPE_INT_RGB);
                img.setRGB(3, 3, cls.equals("cat") ? 0xff0000 : 0x00ff00);
                javax.imageio.ImageIO.write(img, "png", root.resolve(cls).resolve(i + ".png").toFile());
            }
        }
        TrainingData d = Datasets.open(DatasetKind.IMAGE_FOLDER, root.toString(), 16, 0, 10, 1, 1);
        assertThat(d.size()).isEqualTo(4);
        assertThat(d.numClasses()).isEqualTo(2);
        assertThat(d.sampleShape().getShape()).containsExactly(3, 16, 16);
        float[] x = new float[3 * 16 * 16];
        d.fill(3, x, 0);
        assertThat(d.label(0)).isZero();
        assertThat(d.label(3)).isEqualTo(1);
        d.close();
    }

    @Test
    void readsDebiansFashionMnist() {
        Path debian = Path.of(FashionMnist.DEFAULT_PATH);
        Prerequisites.require(Files.isDirectory(debian), "dataset-fashion-mnist is not installed: apt-get install dataset-fashion-mnist");
        TrainingData d = Datasets.open(DatasetKind.FASHION_MNIST, null, 28, 0, 10, 1, 1);
        assertThat(d.size()).isEqualTo(60_000);
        assertThat(d.numClasses()).isEqualTo(10);
        assertThat(d.label(0)).isEqualTo(9); // the first training image is an ankle boot
    }

    @Test
    void syntheticDataAndBatchOrderAreDeterministic() {
        SyntheticData a = new SyntheticData(100, 10, 1, 8, 8, 3);
        SyntheticData b = new SyntheticData(100, 10, 1, 8, 8, 3);
        float[] x = new float[64];
        float[] y = new float[64];
        a.fill(17, x, 0);
        b.fill(17, y, 0);
        assertThat(x).containsExactly(y);
        assertThat(new BatchOrder(100, 10, 5).batch(3, 2)).containsExactly(new BatchOrder(100, 10, 5).batch(3, 2));
        assertThat(new BatchOrder(100, 10, 5).batchesPerEpoch()).isEqualTo(10);
    }
}
