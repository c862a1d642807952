package ai.dsp.platform.controltower.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The policies folder ({@code dsp.control-tower.policies-dir}): one file per client,
 * {@code <client_id>.yaml} (or {@code .json}, kept in that format when rewritten), the seed's one
 * {@code .rego} per client as data. A write is atomic (a temporary file in the folder, synced,
 * then renamed over the old one), so a reader sees the old policy or the new one, never half of
 * one. Ids are checked against the seed's pattern before any path is made from them, so no id
 * reaches outside the folder. Writes in this process are serialised; the folder has one writer.
 */
public final class PolicyStore {

    /** A stored policy, and the file's identity (time and size) to notice edits made on disk. */
    public record Stored(Policy policy, Path path, Stamp stamp) {
    }

    /** What changes when a file is rewritten. */
    public record Stamp(Path path, FileTime modified, long size) {
    }

    private static final List<String> EXTENSIONS = List.of(".yaml", ".yml", ".json");

    private final Path dir;

    public PolicyStore(Path dir) {
        this.dir = dir.normalize();
    }

    /** The client ids of the policy files, sorted; files with other names are not policies. */
    public List<String> ids() {
        TreeSet<String> ids = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                for (String extension : EXTENSIONS) {
                    if (name.endsWith(extension)) {
                        String id = name.substring(0, name.length() - extension.length());
                        if (Policy.CLIENT_ID.matcher(id).matches() && Files.isRegularFile(file)) {
                            ids.add(id);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the policies in " + dir, e);
        }
        return List.copyOf(ids);
    }

    /** The file's identity now; empty when there is no policy for {@code id}. */
    public Optional<Stamp> stamp(String id) {
        Optional<Path> file = existing(id);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(file.get(), BasicFileAttributes.class);
            return Optional.of(new Stamp(file.get(), attributes.lastModifiedTime(), attributes.size()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.get(), e);
        }
    }

    /**
     * The policy of {@code id}; empty when there is none.
     *
     * @throws InvalidPolicyException when the file is there but not a valid policy
     */
    public Optional<Stored> read(String id) {
        Optional<Stamp> stamp = stamp(id);
        if (stamp.isEmpty()) {
            return Optional.empty();
        }
        Path file = stamp.get().path();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return Optional.of(new Stored(PolicyDocuments.parse(text, id), file, stamp.get()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Writes a policy for a client that has none. @throws PolicyExistsException when it has one */
    public synchronized Path create(Policy policy) {
        if (existing(checkedId(policy.clientId())).isPresent()) {
            throw new PolicyExistsException(policy.clientId());
        }
        return write(policy, file(policy.clientId(), ".yaml"));
    }

    /** Replaces the policy of a client, in its file's format. @throws PolicyNotFoundException when it has none */
    public synchronized Path replace(Policy policy) {
        Path file = existing(checkedId(policy.clientId())).orElseThrow(() -> new PolicyNotFoundException(policy.clientId()));
        return write(policy, file);
    }

    /** Removes the policy of {@code id}; false when there was none. */
    public synchronized boolean delete(String id) {
        Optional<Path> file = existing(id);
        if (file.isEmpty()) {
            return false;
        }
        try {
            return Files.deleteIfExists(file.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file.get(), e);
        }
    }

    private Path write(Policy policy, Path file) {
        String text = file.getFileName().toString().endsWith(".json") ? PolicyDocuments.json(policy) + "\n" : PolicyDocuments.yaml(policy);
        Path temporary = dir.resolve("." + policy.clientId() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(StandardCharsets.UTF_8.encode(text));
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the temporary file was moved, or never written
            }
        }
    }

    private Optional<Path> existing(String id) {
        checkedId(id);
        for (String extension : EXTENSIONS) {
            Path file = file(id, extension);
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    private Path file(String id, String extension) {
        Path file = dir.resolve(id + extension).normalize();
        if (!dir.equals(file.getParent() == null ? Path.of("") : file.getParent())) {
            throw new IllegalArgumentException("client_id " + id + " does not name a file in the policies folder");
        }
        return file;
    }

    private static String checkedId(String id) {
        if (id == null || !Policy.CLIENT_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("client_id must match ^[A-Za-z0-9_]+$ (at most 128 characters), was "
                    + (id == null ? null : id.length() > 64 ? id.substring(0, 64) + "..." : id));
        }
        return id;
    }
}
