package io.pulse.serving.webapp;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.types.files.SystemFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Cache headers of the dashboard's build (Vite output) where this API serves it: the files of the
 * {@code file:} folders of the static-resources mapping named {@code dashboard} (the devstack maps the
 * build there, at /). Files under {@code assets/} have a hash of their content in their names, so browsers
 * keep them a year without asking again; every other file (index.html, sw.js, the manifest, icons) names
 * the current build's assets, so it is revalidated at each use and a new build shows at the next load.
 * Micronaut has one setting for every static file ({@code private, max-age=60}), which would keep an old
 * index.html a minute and revalidate unchanged assets every minute; other static files and the API's
 * answers keep what they had. The manifest gets its registered media type, which Micronaut's MIME table
 * lacks (it would be text/plain, which nosniff makes binding).
 */
@Requires(property = DashboardBuildHeaders.PATHS)
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class DashboardBuildHeaders {

    static final String PATHS = "micronaut.router.static-resources.dashboard.paths";
    public static final String HASHED = "public, max-age=31536000, immutable";
    public static final String REVALIDATED = "no-cache";
    public static final String MANIFEST_TYPE = "application/manifest+json";
    private static final String FILE = "file:";

    private final List<Path> folders;

    public DashboardBuildHeaders(@Property(name = PATHS) List<String> paths) {
        this.folders = paths.stream().filter(path -> path.startsWith(FILE))
                .flatMap(path -> realPath(path.substring(FILE.length())).stream()).toList();
    }

    @ResponseFilter
    public void addHeaders(MutableHttpResponse<?> response) {
        if (!(response.body() instanceof SystemFile served)) {
            return;
        }
        Path file = served.getFile().toPath();
        for (Path folder : folders) {
            if (file.startsWith(folder)) {
                response.header(HttpHeaders.CACHE_CONTROL, folder.relativize(file).startsWith("assets") ? HASHED : REVALIDATED);
                if (file.getFileName().toString().endsWith(".webmanifest")) {
                    response.contentType(MANIFEST_TYPE);
                }
                return;
            }
        }
    }

    /** As Micronaut resolves the folder (symbolic links followed), so its files' paths start with it. */
    private static Optional<Path> realPath(String folder) {
        try {
            return Optional.of(Path.of(folder).toRealPath());
        } catch (IOException e) {
            return Optional.empty(); // no folder: Micronaut serves nothing from it either
        }
    }
}
