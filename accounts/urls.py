from django.urls import path

from .views import security, sign_in, tokens

app_name = "accounts"
urlpatterns = [
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    path("sign-in/code/", sign_in.sign_in_code, name="sign_in_code"),
    path("sign-in/set-up/", sign_in.sign_in_set_up, name="sign_in_set_up"),
    path("sign-out/", sign_in.sign_out, name="sign_out"),
    path("confirm/", security.confirm, name="confirm"),
    path("security/", security.security, name="security"),
    path("security/authenticator/", security.new_authenticator, name="new_authenticator"),
    path("security/recovery-codes/", security.recovery_codes, name="recovery_codes"),
    path("api-tokens/", tokens.api_tokens, name="api_tokens"),
    path("api-tokens/<uuid:token_id>/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
]
