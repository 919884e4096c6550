/* The parent <-> init sync socket. */
#include <unistd.h>

#include "unit.h"
#include "util/sync.h"

/* init may fail with the parent's early GO still unread: its exit then
 * leaves ECONNRESET pending on the parent's end, ahead of init's ERROR. The
 * parent must still read the error, not "connection reset". */
TEST(error_survives_an_unread_message)
{
    int fds[2];
    nk_error *e = NULL;
    CHECK(nk_sync_pair(fds, &e) == 0);
    CHECK(nk_sync_send(fds[0], NK_SYNC_GO, 0, NULL, &e) == 0);
    nk_error *child = NULL;
    nk_err(&child, 2, "setup failed: the reason");
    nk_sync_send_error(fds[1], child);
    nk_error_free(child);
    close(fds[1]); /* GO never read */
    nk_sync_msg msg;
    CHECK(nk_sync_recv(fds[0], &msg, &e) == 0);
    CHECK(msg.type == NK_SYNC_ERROR);
    CHECK(msg.value == 2);
    CHECK_CONTAINS(msg.payload, "setup failed: the reason");
    /* then the end, not the reset again */
    CHECK(nk_sync_recv(fds[0], &msg, &e) < 0);
    CHECK_CONTAINS(nk_error_text(e), "exited before it reported back");
    nk_error_freep(&e);
    close(fds[0]);
}
