package io.pulse.rollup.archive;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;

/**
 * Writes events as gzip-compressed JSON lines, one event per line in the event contract's form. A bulk
 * format, so the archive's part files roll at every checkpoint and are committed with it: exactly once.
 */
final class GzipJsonLines implements BulkWriter<Event> {

    /** One writer per part file. */
    static final class Factory implements BulkWriter.Factory<Event> {
        private static final long serialVersionUID = 1L;

        @Override
        public BulkWriter<Event> create(FSDataOutputStream out) throws IOException {
            return new GzipJsonLines(out);
        }
    }

    private static final byte[] NEWLINE = {'\n'};

    private final GZIPOutputStream gzip;

    private GzipJsonLines(FSDataOutputStream out) throws IOException {
        // the part file's stream belongs to the sink, which closes it: only the gzip stream is ours
        this.gzip = new GZIPOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        }, 64 * 1024, true);
    }

    @Override
    public void addElement(Event event) throws IOException {
        gzip.write(EventJson.write(event).getBytes(StandardCharsets.UTF_8));
        gzip.write(NEWLINE);
    }

    @Override
    public void flush() throws IOException {
        gzip.flush();
    }

    @Override
    public void finish() throws IOException {
        gzip.finish();
        gzip.flush();
    }
}
