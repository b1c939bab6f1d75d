package dev.customtransport.micronaut;

import dev.customtransport.Transports;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;

/** The test's endpoints: an echo, and which loop runs the request. */
@Controller("/")
public class EchoController {

    @Post(uri = "/echo", consumes = MediaType.APPLICATION_OCTET_STREAM, produces = MediaType.APPLICATION_OCTET_STREAM)
    public byte[] echo(@Body byte[] body) {
        return body;
    }

    /** "custom" if the request runs on one of our loops (a channel of another transport cannot register there). */
    @Get(uri = "/loop", produces = MediaType.TEXT_PLAIN)
    public String loop() {
        EventExecutor executor = ThreadExecutorMap.currentExecutor();
        return executor instanceof io.netty.channel.EventLoop && Transports.isCustom((io.netty.channel.EventLoop) executor)
                ? "custom" : "other: " + executor;
    }
}
