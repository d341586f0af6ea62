package dev.tether.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * A MicroProfile config source over a folder laid out like a mounted Kubernetes Secret: one file per
 * key, its content the value (trailing newline dropped), read anew on every lookup, so a rotated
 * file is seen at once (SmallRye's own {@code FileSystemConfigSource} does the same but is not in
 * the Maven mirror reachable here). {@link #write} replaces a file atomically, as the kubelet does.
 */
final class SecretDirectory implements ConfigSource {

    private final Path folder;

    SecretDirectory(Path folder) {
        this.folder = folder;
    }

    /** Sets {@code key} to {@code value} by replacing its file atomically. */
    void write(String key, String value) {
        try {
            Path staged = Files.writeString(folder.resolve("." + key + ".staged"), value + "\n");
            Files.move(staged, folder.resolve(key), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String getValue(String propertyName) {
        try {
            return Files.readString(folder.resolve(propertyName)).stripTrailing();
        } catch (NoSuchFileException | IllegalArgumentException absent) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String getName() {
        return "secret-directory " + folder;
    }

    @Override
    public int getOrdinal() {
        return 600;
    }
}
