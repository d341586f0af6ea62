package dev.tether.sample;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.tether.NotConnectedException;
import dev.tether.Persistent;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /audit}: a plain servlet, not a CDI bean, injecting the connection {@code audit}, a
 * name that appears at no bean's injection point, only in the {@code tether.audit.*} keys. It opens
 * and closes a channel on it and answers {@code audit connection open: <client name>} (200), or 503
 * when there is no connection within {@code tether.await-timeout}.
 */
@WebServlet("/audit")
public class AuditServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    @Persistent("audit")
    transient Connection audit;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        try (Channel channel = audit.createChannel()) {
            response.getWriter().print("audit connection open: " + channel.getConnection().getClientProvidedName());
        } catch (NotConnectedException e) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.getWriter().print("not connected: " + e.getMessage());
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }
}
