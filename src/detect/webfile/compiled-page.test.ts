import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compiledPageUrls } from './compiled-page.ts'

const TEMP = 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary ASP.NET Files'

test('compiled pages map to the URL paths the logs show', () => {
  assert.deepEqual(
    compiledPageUrls(`${TEMP}\\root\\5b0c\\8f2a\\App_Web_x.dll`, ['~/aspnet_client/x.aspx']),
    ['/aspnet_client/x.aspx'],
  )
  assert.deepEqual(
    compiledPageUrls(`${TEMP}\\owa\\1a2b\\3c4d\\App_Web_e.dll`, ['~/auth/errorEE.aspx']),
    ['/owa/auth/errorEE.aspx'],
  )
  const record = '<preserve resultType="3" virtualPath="/ecp/auth/ts.aspx" hash="1" />'
  assert.deepEqual(compiledPageUrls(`${TEMP}/ecp/1/2/ts.aspx.cdcab7d2.compiled`, [], record), [
    '/ecp/auth/ts.aspx',
  ])
  // Outside Temporary ASP.NET Files the application is unknown: no guess.
  assert.deepEqual(compiledPageUrls('D:/loose/App_Web_x.dll', ['~/x.aspx']), [])
})
