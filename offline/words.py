"""What static/js/offline.js says, in the worker's language (drawn into the page as JSON).

`{n}` is a number, `{message}` the server's answer in words. Never a name or a note.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def words() -> dict[str, str]:
    return {
        "waitingOne": ngettext("{n} contact waiting to be sent", "{n} contacts waiting to be sent", 1),
        "waitingMany": ngettext("{n} contact waiting to be sent", "{n} contacts waiting to be sent", 2),
        "offline": _("Offline."),
        "online": _("Online."),
        "nothingWaiting": _("Nothing waiting to be sent."),
        "pendingKept": _(
            "No signal: your contact was not sent, and nothing you typed was lost. Check it and tap Save contact to "
            "keep it on this phone until the signal returns."
        ),
        "savedOnPhone": _("Saved on this phone. It will be sent when the signal returns."),
        "sending": _("Sending…"),
        "sent": _("Sent: everything on this phone reached the server."),
        "signIn": _("Sign in again to send what is waiting. Nothing was lost: it stays on this phone."),
        "someoneElse": _(
            "Someone else is signed in on this browser. Contacts saved here wait for the worker who saved them."
        ),
        "revoked": _("Offline use was revoked for this device: what it could read was wiped."),
        "timeWiped": _("It was too long since the last sync: what this phone could read was wiped."),
        "wipeSoon": _("Connect within the hour: this phone wipes what it can read {n} hours after the last sync."),
        "pinWiped": _(
            "5 wrong PINs: what this phone could read was wiped. Contacts waiting are kept sealed and are sent "
            "at your next sign-in."
        ),
        "wrongPin": _("That PIN did not work. {n} tries left before this phone wipes what it can read."),
        "pinTooShort": _("Use at least 4 digits."),
        "pinsDiffer": _("The two PINs are not the same."),
        "turningOn": _("Turning on offline use… this takes a few seconds."),
        "turnedOn": _("Offline use is on for this browser. You can log contacts here without signal."),
        "notSupported": _(
            "This browser cannot keep data safely for offline use. Use a recent Chrome, Firefox or Safari."
        ),
        "turnOnAgain": _(
            "This phone keeps nothing readable now. To log contacts here without signal, turn on offline use again "
            "(Home, then Offline use)."
        ),
        "locked": _("Locked. Enter your offline PIN to go on."),
        "applied": _("Saved."),
        "duplicate": _("Saved already: nothing was stored twice."),
        "conflict": _("Not saved: {message}"),
        "rejected": _("Not saved: {message}"),
        "anonymous": _("Anonymous contact"),
        "unreadable": _("A contact saved before this phone was wiped (only the server can read it)"),
        "delete": _("Delete"),
        "deleteConfirm": _("Tap again to delete it from this phone (it will not be sent)"),
        "saveFor": _("Save it for {code}"),
        "chooseSomeone": _("Choose a person, or Anonymous."),
        "nobody": _("Nobody matches among your recent people."),
        "flag": _("Safety flag:"),
        "notReviewed": _("Not reviewed yet"),
        "rated": _("How close they feel: {rating} of 10 ({day})"),
        "serviceOne": ngettext("{n} service", "{n} services", 1),
        "services": ngettext("{n} service", "{n} services", 2),
    }
